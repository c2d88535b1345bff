"""Project lists from spreadsheets (.xlsx, .csv) and the fair's results workbook."""

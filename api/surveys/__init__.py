"""Residents' satisfaction surveys (服务对象满意度调查): windows, answers, the aggregate."""

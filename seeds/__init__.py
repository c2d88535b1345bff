"""Generated fair data: Nanjing's places, the purchase catalogue, and deterministic
projects, organizations and supervisors at three scales (demo, city, national).

``seeds.loader.load`` writes a scale into the database; ``DEMO_ACCOUNTS`` lists the
demo logins it creates, one per role.
"""

from seeds.generator import DEMO_ACCOUNTS, SCALES, DemoAccount, Scale, generate

__all__ = ["DEMO_ACCOUNTS", "SCALES", "DemoAccount", "Scale", "generate"]

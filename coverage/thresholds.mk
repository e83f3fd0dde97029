# Coverage gate for src/core and src/arch (the code the simulator runs).
# src/hal is bare-metal only and is exercised by the boot tests instead.
LINE_MIN = 95
BRANCH_MIN = 85

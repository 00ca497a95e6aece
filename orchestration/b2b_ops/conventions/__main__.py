import sys

from b2b_ops.conventions.report import main

sys.exit(main())

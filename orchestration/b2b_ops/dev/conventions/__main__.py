import sys

from b2b_ops.dev.conventions.report import main

sys.exit(main())

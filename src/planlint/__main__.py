import sys

from planlint.launch import main

sys.exit(main())

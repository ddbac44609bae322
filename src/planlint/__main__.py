"""``python -m planlint``: the console script's own path (planlint.launch), fast exit included."""

from planlint.launch import main

main()

"""``python -m seq2seq_core`` runs the command line (see ``seq2seq_core.cli``)."""

import sys

from seq2seq_core.cli import main

sys.exit(main())

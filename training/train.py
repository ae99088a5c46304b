"""Entry point: `training/.venv/bin/python training/train.py --export … --golden … --models-dir models`.
Usually run through `npm run train -- --data <csv>` (training/run.ts), which writes the exports first."""
import sys

from spamtrain.train import main

sys.exit(main())

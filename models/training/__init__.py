"""SIJ Reader model training: networks, in-graph Grad-CAM, ONNX export, training and evaluation.

Run modules from the repository root with Debian's interpreter, e.g.
`/usr/bin/python3 -m models.training.export --random --out models/dev-random`.
"""

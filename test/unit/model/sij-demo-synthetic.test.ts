// The shipped demonstration model (models/sij-demo-synthetic): files match their manifest hashes and
// onnxruntime-node reproduces the PyTorch golden outputs (one exam of the unseen site).
import path from 'node:path';
import { describeModelParity } from './model-parity';

describeModelParity(path.resolve('models/sij-demo-synthetic'));

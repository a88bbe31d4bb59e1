// The committed random-weight fixture (test/fixtures/models/random-small, written by
// `/usr/bin/python3 -m models.training.export --random --preset tiny --id random-small`).
import path from 'node:path';
import { describeModelParity } from './model-parity';

describeModelParity(path.resolve('test/fixtures/models/random-small'));

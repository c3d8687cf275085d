import os from 'node:os';
import path from 'node:path';
import { buildApp } from './app.js';

const port = Number(process.env.PORT ?? 8080);
const receiptsFile = process.env.RECEIPTS_FILE ?? path.join(os.tmpdir(), 'ferry-receipts.txt');
buildApp({ receiptsFile }).listen(port, process.env.HOST ?? '127.0.0.1', () => {
  console.log(`wait-until app listening on http://127.0.0.1:${port} (receipts in ${receiptsFile})`);
});

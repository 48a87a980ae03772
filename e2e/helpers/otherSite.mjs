#!/usr/bin/env node
// Another web site on the lab's network: one plain page on ADDRESS:PORT, so a browser page has an
// origin that is not Gapscope's. Prints "ready" once it listens; stops on SIGTERM.
//   node otherSite.mjs ADDRESS PORT
import http from 'node:http';

const [address, port] = [process.argv[2], Number(process.argv[3])];
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Another site</title><p>Another site</p>\n');
});
server.listen(port, address, () => process.stdout.write('ready\n'));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

#!/usr/bin/env node
// Binds a UDP port without SO_REUSEADDR, as an unrelated program would, prints "ready", and keeps
// it until it is stopped: the lab's way to make Gapscope meet a port that is in use.
import dgram from 'node:dgram';

const port = Number(process.argv[2]);
const socket = dgram.createSocket({ type: 'udp4', reuseAddr: false });
socket.bind(port, () => process.stdout.write('ready\n'));
const close = () => socket.close(() => process.exit(0));
process.on('SIGTERM', close);
process.on('SIGINT', close);

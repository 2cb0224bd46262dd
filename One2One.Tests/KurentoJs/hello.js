// Compatibility referee: the official kurento-client (npm 7.3.0) drives a Kurento media server through the
// hello-world loopback. Usage: node hello.js ws://127.0.0.1:8888/kurento [offer.sdp]
// Prints "STEP <name>" per step and exits 0 only if every step worked.
'use strict';

const fs = require('fs');
const path = require('path');
const kurento = require('kurento-client');

const uri = process.argv[2];
const offerFile = process.argv[3] || path.join(__dirname, 'offer.sdp');
const TIMEOUT_MS = 20000;

function step(name, detail) {
  console.log('STEP ' + name + (detail === undefined ? '' : ' ' + detail));
}

function check(condition, message) {
  if (!condition) throw new Error('check failed: ' + message);
}

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out waiting for ' + what)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  check(uri, 'usage: node hello.js <ws uri> [offer file]');
  const offer = fs.readFileSync(offerFile, 'utf8');

  // Connecting runs ping, describe(ServerManager) and getInfo (modules core/elements/filters).
  const client = await within(kurento(uri, { failAfter: 1 }), 'connect');
  step('connected');

  const pipeline = await within(client.create('MediaPipeline'), 'create MediaPipeline');
  check(/_kurento\.MediaPipeline$/.test(pipeline.id), 'pipeline id ' + pipeline.id);
  step('pipeline', pipeline.id);

  const endpoint = await within(pipeline.create('WebRtcEndpoint'), 'create WebRtcEndpoint');
  check(endpoint.id.startsWith(pipeline.id + '/'), 'endpoint id ' + endpoint.id);
  step('endpoint', endpoint.id);

  endpoint.on('Error', (error) => {
    console.error('FAIL Error event', error);
    process.exit(1);
  });
  const firstCandidate = new Promise((resolve) => endpoint.on('IceCandidateFound', (event) => resolve(event.candidate)));

  await within(endpoint.connect(endpoint), 'connect');
  step('loopback');

  const answer = await within(endpoint.processOffer(offer), 'processOffer');
  check(typeof answer === 'string' && answer.startsWith('v=0'), 'answer is SDP: ' + answer);
  step('answer', answer.split(/\r?\n/)[0] + (answer.includes('a=ice-lite') ? ' a=ice-lite' : ''));

  await within(endpoint.gatherCandidates(), 'gatherCandidates');
  step('gathering');

  const candidate = await within(firstCandidate, 'IceCandidateFound');
  check(typeof candidate.candidate === 'string' && candidate.candidate.startsWith('candidate:'), 'candidate ' + JSON.stringify(candidate));
  check(candidate.sdpMid !== undefined && candidate.sdpMLineIndex !== undefined, 'candidate has sdpMid and sdpMLineIndex');
  step('candidate', candidate.candidate);

  const IceCandidate = kurento.getComplexType('IceCandidate');
  await within(endpoint.addIceCandidate(new IceCandidate({
    candidate: 'candidate:2512830848 1 udp 2122260223 127.0.0.1 51875 typ host generation 0',
    sdpMid: '0',
    sdpMLineIndex: 0,
  })), 'addIceCandidate');
  step('remote-candidate');

  const sinks = await within(endpoint.getSinkConnections(), 'getSinkConnections');
  check(Array.isArray(sinks) && sinks.length >= 1, 'sink connections ' + JSON.stringify(sinks));
  check(sinks.every((c) => c.source === endpoint.id && c.sink === endpoint.id), 'loopback connections ' + JSON.stringify(sinks));
  step('sinks', sinks.map((c) => c.type).join(','));

  await within(pipeline.release(), 'release');
  step('released');

  // Callback form: with a promise, kurento-client only traces an error of a getter and resolves anyway.
  const error = await within(new Promise((resolve) => endpoint.getName((e) => resolve(e))), 'getName after release');
  check(error && error.code === 40101, 'expected 40101 after release, got ' + (error ? error.code || error.message : 'success'));
  step('gone');

  client.close();
  console.log('OK');
  process.exit(0);
}

main().catch((error) => {
  console.error('FAIL', error && error.stack ? error.stack : error);
  process.exit(1);
});

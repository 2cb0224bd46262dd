// The server the integration tests talk to: ONE2ONE_HUB_URL (the real One2One server, started by the xunit test
// One2One.Tests/ClientSdk/SdkNodeTests) and a recorded browser offer for the embedded media server to answer.

import { readFileSync } from "node:fs";
import { after } from "node:test";
import { One2OneClient, type One2OneClientEvents } from "../../src/index.js";

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} is not set: these tests run against a real One2One server (dotnet test --filter SdkNodeTests starts one).`);
  }
  return value;
}

export const hubUrl = required("ONE2ONE_HUB_URL");
// SDP lines end in CRLF (RFC 8866 section 5); the fixture is stored with LF.
export const recordedOffer = readFileSync(required("ONE2ONE_OFFER_SDP"), "utf8").replace(/\r?\n/g, "\r\n");

let next = 0;
/** A name no other test uses. */
export function unique(name: string): string {
  return `${name}-${process.pid}-${++next}`;
}

const clients: One2OneClient[] = [];
after(async () => {
  await Promise.all(clients.map((client) => client.disconnect()));
});

/** A client on the test server, disconnected when the file's tests are done. */
export function newClient(): One2OneClient {
  const client = new One2OneClient({ url: hubUrl });
  clients.push(client);
  return client;
}

/** A client registered under a unique name, and that name. */
export async function registered(name: string): Promise<[One2OneClient, string]> {
  const client = newClient();
  const unique_ = unique(name);
  await client.register(unique_);
  return [client, unique_];
}

/** The next `event` the client receives, or a rejection after `ms`. */
export function nextEvent<K extends keyof One2OneClientEvents>(
  client: One2OneClient,
  event: K,
  ms = 20_000,
): Promise<Parameters<One2OneClientEvents[K]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`no ${String(event)} within ${ms} ms`));
    }, ms);
    const listener = ((payload: Parameters<One2OneClientEvents[K]>[0]) => {
      clearTimeout(timer);
      client.off(event, listener);
      resolve(payload);
    }) as One2OneClientEvents[K];
    client.on(event, listener);
  });
}

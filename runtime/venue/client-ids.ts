// Client order ids that say whose an order is: instance and plan hash travel with the order to the
// venue and come back on every report, so after a crash the runner can tell its own orders from
// anyone else's and which plan made them. Binance allows 36 characters of [.A-Z:/a-z0-9_-]; the
// id is `q` + instance tag (≤ 10) + `-` + 8 hex digits of the plan hash + `-` + a base-36 sequence.

const allowed = /^[.A-Za-z0-9:/_-]{1,36}$/;

/** A venue-safe tag of the instance id: letters and digits only, at most 10 characters. */
export function instanceTag(instanceId: string): string {
  const tag = instanceId.replace(/[^A-Za-z0-9]/g, '').slice(0, 10);
  if (!tag) throw new Error(`instance id ${JSON.stringify(instanceId)} has no letters or digits to tag orders with`);
  return tag;
}

export interface ClientIdParts {
  tag: string;
  planHash8: string;
  seq: number;
}

export function encodeClientId(instanceId: string, planHash: string, seq: number): string {
  const hex = planHash.replace(/^sha256:/, '').slice(0, 8);
  if (!/^[0-9a-f]{8}$/.test(hex)) throw new Error(`not a plan hash: ${planHash}`);
  if (!Number.isSafeInteger(seq) || seq < 0) throw new Error(`bad order sequence ${seq}`);
  const id = `q${instanceTag(instanceId)}-${hex}-${seq.toString(36)}`;
  if (!allowed.test(id)) throw new Error(`client id ${id} is not venue-safe`);
  return id;
}

/** The parts of one of our ids, or null for an id we did not make. */
export function decodeClientId(id: string): ClientIdParts | null {
  const m = /^q([A-Za-z0-9]{1,10})-([0-9a-f]{8})-([0-9a-z]{1,13})$/.exec(id);
  if (!m) return null;
  return { tag: m[1]!, planHash8: m[2]!, seq: parseInt(m[3]!, 36) };
}

export function isOurs(id: string | undefined, instanceId: string): boolean {
  if (!id) return false;
  const parts = decodeClientId(id);
  return parts !== null && parts.tag === instanceTag(instanceId);
}

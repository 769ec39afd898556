// The long tail's state through the vendor's generated client: for every
// family the fake infers from the document (a collection and its items),
// the client's own methods create an item, read it back, find it in the
// list, change it, delete it and then read DRF's 404 — the life a
// frontend gives a resource. The plan (IBLFAKE_STATE_PLAN) holds the
// document's example arguments; the fake validates every answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ApiError } from '@iblai/iblai-api';
import { useFake, clientMethods } from './support.mjs';

test('every inferred resource lives through the vendor client: create, retrieve, list, update, destroy', async () => {
  useFake();
  const plan = JSON.parse(readFileSync(process.env.IBLFAKE_STATE_PLAN, 'utf8'));
  const methods = clientMethods();
  const failures = [];
  const done = { created: 0, retrieved: 0, listed: 0, updated: 0, destroyed: 0 };
  let cannot = 0;
  for (const fam of plan) {
    const call = (verb, extra = {}) => {
      const c = fam.calls[verb];
      const cm = methods.get(`${c.method} ${c.path}`);
      if (!cm || cm.body === 'form') return null;
      const args = {};
      for (const [k, v] of Object.entries(c.path_params ?? {})) args[cm.names[k] ?? k] = v;
      for (const [k, vs] of Object.entries(c.query ?? {})) args[cm.names[k] ?? k] = vs.length === 1 ? vs[0] : vs;
      if (c.body !== undefined && c.body !== null && cm.body === 'json') args.requestBody = c.body;
      for (const [k, v] of Object.entries(extra)) args[cm.names[k] ?? k] = v;
      return () => cm.call(args);
    };
    const create = call('create');
    if (!create) { cannot++; continue; }
    let made;
    try {
      made = await create();
    } catch (err) {
      failures.push(`${fam.collection}: create ${err.status ?? err} ${JSON.stringify(err.body ?? '').slice(0, 160)}`);
      continue;
    }
    done.created++;
    const id = made?.[fam.id_field];
    if (id === undefined || id === null) {
      failures.push(`${fam.collection}: the create answered no ${fam.id_field}`);
      continue;
    }
    const byID = { [fam.param]: String(id) };
    try {
      const got = await call('retrieve', byID)();
      assert.equal(String(got[fam.id_field]), String(id));
      done.retrieved++;
      if (fam.calls.list && fam.envelope) {
        const page = await call('list')();
        const items = fam.envelope === '[]' ? page : page[fam.envelope];
        if (!items.some((it) => String(it[fam.id_field] ?? it.id ?? it.pk) === String(id))) {
          failures.push(`${fam.collection}: the list does not hold ${id}`);
        }
        done.listed++;
      }
      const upd = fam.calls.partial_update ? 'partial_update' : fam.calls.update ? 'update' : null;
      if (upd && fam.calls[upd]) {
        const u = call(upd, { ...byID, requestBody: upd === 'partial_update' ? {} : fam.calls.create.body ?? {} });
        if (u) { await u(); done.updated++; }
      }
      if (fam.calls.destroy) {
        await call('destroy', byID)();
        await assert.rejects(call('retrieve', byID)(), (err) => err instanceof ApiError && err.status === 404);
        done.destroyed++;
      }
    } catch (err) {
      failures.push(`${fam.collection} ${id}: ${err.status ?? err} ${JSON.stringify(err.body ?? err.message ?? '').slice(0, 160)}`);
    }
  }
  console.log(`the vendor client lived ${JSON.stringify(done)} of ${plan.length} families (${cannot} it cannot create)`);
  assert.deepEqual(failures, []);
  assert.ok(done.destroyed >= 30, `only ${done.destroyed} families went through their whole life`);
});

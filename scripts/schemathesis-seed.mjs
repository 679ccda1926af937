// Seeds the emulator with one object of every kind the descriptions name by id (files, a vector store
// with its files and a batch, an assistant, a thread with messages, a completed run and its steps, a
// run waiting on a tool call, stored responses, a conversation with items), plus spare ones for the
// DELETE operations to take, and writes the Schemathesis config that hands those ids to the
// generators (dictionaries bound to the path and body parameters that take ids). Without it nearly
// every generated id is unknown and the run stops at the 404s; with it, positive cases reach the
// API's logic (docs/API-DEVIATIONS.md, "Schemathesis").
// Usage: node scripts/schemathesis-seed.mjs BASE_URL API_KEY OUT.toml [PROBABILITY]
// (writes OUT-assistants.toml and OUT-responses.toml, one per description)
import { writeFileSync } from 'node:fs';
import OpenAI, { toFile } from 'openai';

const [url, apiKey, out, probability = '0.8'] = process.argv.slice(2);
if (!url || !apiKey || !out) throw new Error('usage: node scripts/schemathesis-seed.mjs BASE_URL API_KEY OUT.toml [PROBABILITY]');
const c = new OpenAI({ apiKey, baseURL: url, maxRetries: 2, defaultHeaders: { 'OpenAI-Beta': 'assistants=v2' } });

const text = async (body, name) => (await c.files.create({ file: await toFile(Buffer.from(body), name), purpose: 'assistants' })).id;
const times = async (n, make) => {
  const ids = [];
  for (let i = 0; i < n; i++) ids.push(await make(i));
  return ids;
};

// files, and a store holding two of them (indexed), with a batch
const files = [await text('Refunds are paid within 14 days to the original card.', 'refunds.md'), await text('Parcels leave every Tuesday.', 'shipping.txt')];
const spareFiles = await times(3, (i) => text(`spare ${i}`, `spare-${i}.md`));
const store = await c.vectorStores.create({ name: 'seed', file_ids: files, metadata: { seed: 'yes' } });
const batch = await c.vectorStores.fileBatches.createAndPoll(store.id, { file_ids: [files[0]] });
const spareStores = await times(3, async (i) => (await c.vectorStores.create({ name: `spare ${i}` })).id);

// an assistant that searches the store and has a function tool; a thread with messages and runs
const lookup = { type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] } } };
const assistant = await c.beta.assistants.create({
  model: 'gpt-4o',
  name: 'seed',
  tools: [{ type: 'file_search' }, lookup],
  tool_resources: { file_search: { vector_store_ids: [store.id] } },
});
const spareAssistants = await times(3, async (i) => (await c.beta.assistants.create({ model: 'gpt-4o', name: `spare ${i}` })).id);
const thread = await c.beta.threads.create({ messages: [{ role: 'user', content: 'How are refunds paid?' }] });
const done = await c.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
// the spare messages first: no message can be added while the run below waits for its tool call
const spareMessages = await times(3, async (i) => (await c.beta.threads.messages.create(thread.id, { role: 'user', content: `spare ${i}` })).id);
await c.beta.threads.messages.create(thread.id, { role: 'user', content: 'Please call lookup_order with order_id: "A-1"' });
const waiting = await c.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
const messages = (await c.beta.threads.messages.list(thread.id, { limit: 100 })).data.map((m) => m.id).filter((id) => !spareMessages.includes(id));
const steps = (await c.beta.threads.runs.steps.list(done.id, { thread_id: thread.id })).data.map((s) => s.id);
const spareThreads = await times(3, async () => (await c.beta.threads.create()).id);

// Responses: stored responses, a conversation with items
const responses = await times(2, async (i) => (await c.responses.create({ model: 'gpt-4.1', input: `seed ${i}` })).id);
const spareResponses = await times(3, async (i) => (await c.responses.create({ model: 'gpt-4.1', input: `spare ${i}` })).id);
const conversation = await c.conversations.create({ items: [{ type: 'message', role: 'user', content: 'hello' }], metadata: { seed: 'yes' } });
await c.conversations.items.create(conversation.id, { items: [{ type: 'message', role: 'assistant', content: 'hi' }] });
const items = (await c.conversations.items.list(conversation.id)).data.map((i) => i.id);
const spareItems = (await c.conversations.items.create(conversation.id, { items: [1, 2, 3].map((i) => ({ type: 'message', role: 'user', content: `spare ${i}` })) })).data.map((i) => i.id);
const spareConversations = await times(3, async () => (await c.conversations.create()).id);

const dictionaries = {
  file_id: [...files],
  vector_store_id: [store.id],
  batch_id: [batch.id],
  assistant_id: [assistant.id],
  thread_id: [thread.id],
  message_id: messages,
  run_id: [done.id, waiting.id],
  step_id: steps,
  response_id: responses,
  conversation_id: [conversation.id],
  item_id: items,
  spare_file_id: spareFiles,
  spare_vector_store_id: spareStores,
  spare_assistant_id: spareAssistants,
  spare_thread_id: spareThreads,
  spare_message_id: spareMessages,
  spare_response_id: spareResponses,
  spare_conversation_id: spareConversations,
  spare_item_id: spareItems,
};

const q = (s) => JSON.stringify(s);
const lines = ['# written by scripts/schemathesis-seed.mjs: ids of the seeded objects, for the generators', ''];
for (const [name, values] of Object.entries(dictionaries)) lines.push(`[dictionaries.${name}]`, `values = [${values.map(q).join(', ')}]`, '');
const bind = (key, dict) => `${q(key)} = { dictionary = ${q(dict)}, probability = ${probability} }`;
lines.push('[parameters]');
for (const name of ['file_id', 'vector_store_id', 'batch_id', 'assistant_id', 'thread_id', 'message_id', 'run_id', 'step_id', 'response_id', 'conversation_id', 'item_id']) {
  lines.push(bind(`path.${name}`, name));
}
lines.push(bind('body.file_id', 'file_id'), bind('body.assistant_id', 'assistant_id'), bind('body.previous_response_id', 'response_id'), bind('body.file_ids[*]', 'file_id'), '');
// DELETE takes the spare objects, so the ones the other operations read stay.
const spare = {
  'DELETE /files/{file_id}': ['file_id'],
  'DELETE /vector_stores/{vector_store_id}': ['vector_store_id'],
  'DELETE /assistants/{assistant_id}': ['assistant_id'],
  'DELETE /threads/{thread_id}': ['thread_id'],
  'DELETE /threads/{thread_id}/messages/{message_id}': ['message_id'],
  'DELETE /responses/{response_id}': ['response_id'],
  'DELETE /conversations/{conversation_id}': ['conversation_id'],
  'DELETE /conversations/{conversation_id}/items/{item_id}': ['item_id'],
};
// One config per description, each naming only its own operations (Schemathesis warns of filters that match nothing).
const isResponses = (label) => /^\w+ \/(responses|conversations)\b/.test(label);
for (const [spec, mine] of [
  ['assistants', (label) => !isResponses(label)],
  ['responses', isResponses],
]) {
  const ops = [];
  for (const [label, params] of Object.entries(spare)) {
    if (mine(label)) ops.push('[[operations]]', `include-name = ${q(label)}`, '[operations.parameters]', ...params.map((p) => bind(`path.${p}`, `spare_${p}`)), '');
  }
  writeFileSync(out.replace(/(\.toml)?$/, `-${spec}.toml`), `${[...lines, ...ops].join('\n')}\n`);
}
console.error(`schemathesis-seed: ${Object.values(dictionaries).flat().length} objects seeded`);

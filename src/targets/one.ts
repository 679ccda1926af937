/**
 * One resource by id, for the commands that name it (import, pull --ids): read it in its kind's
 * live shape, and write its ownership metadata.
 */
import type OpenAI from 'openai';
import type { ResourceType, Tagged } from '../kinds/index.js';
import { readAssistant, readVectorStore } from './read.js';
import { accountFor } from './write.js';

export async function readOne(client: OpenAI, type: ResourceType, id: string): Promise<Tagged> {
  return type === 'assistant' ? readAssistant(client, id) : readVectorStore(client, id);
}

export async function tagOne(client: OpenAI, type: ResourceType, id: string, metadata: Record<string, string>): Promise<void> {
  const account = accountFor(client);
  if (type === 'assistant') await account.setAssistantMetadata(id, metadata);
  else await account.setVectorStoreMetadata(id, metadata);
}

/**
 * The pure rules behind the tools of the Responses era and the Foundry target: an MCP secret's
 * template (what it shows, what it reads, what it sends) and an assistant's Foundry agent name
 * (`<deployment>-<key>`, the Foundry target's rule; Foundry's characters and length; collisions
 * within a manifest found).
 */
import { describe, expect, it } from 'vitest';
import { envTemplateParts, parseEnvTemplate, resolveEnvTemplate, sendableTool, shownTool, type DesiredMcpTool } from '../../src/kinds/tools.js';
import { FOUNDRY_AGENT_NAME, foundryAgentName, foundryNameProblems } from '../../src/ownership/foundry-name.js';

describe('an MCP secret as a template', () => {
  it('names the variables it reads, shows itself as written, and sends their values', () => {
    const t = parseEnvTemplate('Bearer ${env:MCP_TOKEN} for ${env:TEAM}/${env:MCP_TOKEN}')!;
    expect(t).toEqual({ template: 'Bearer ${env:MCP_TOKEN} for ${env:TEAM}/${env:MCP_TOKEN}', env: ['MCP_TOKEN', 'TEAM'] });
    expect(resolveEnvTemplate(t, { MCP_TOKEN: 's3cret', TEAM: 'ops' })).toEqual({ value: 'Bearer s3cret for ops/s3cret', missing: [] });
    expect(resolveEnvTemplate(t, { TEAM: 'ops' })).toEqual({ value: 'Bearer  for ops/', missing: ['MCP_TOKEN'] });
    expect(envTemplateParts(t)).toEqual([{ text: 'Bearer ' }, { env: 'MCP_TOKEN' }, { text: ' for ' }, { env: 'TEAM' }, { text: '/' }, { env: 'MCP_TOKEN' }]);
  });

  it('a `$${` is a literal `${`, never a reference; another `${…}` is no template', () => {
    const t = parseEnvTemplate('a-$${env:X}-${env:Y}')!;
    expect(t.env).toEqual(['Y']);
    expect(resolveEnvTemplate(t, { X: 'no', Y: 'yes' })).toEqual({ value: 'a-${env:X}-yes', missing: [] });
    expect(envTemplateParts(t)).toEqual([{ text: 'a-${env:X}-' }, { env: 'Y' }]);
    expect(parseEnvTemplate('plain')).toEqual({ template: 'plain', env: [] });
    expect(parseEnvTemplate('Bearer ${var:x}')).toBeUndefined();
    expect(parseEnvTemplate('Bearer ${TOKEN}')).toBeUndefined();
  });
});

describe('an MCP tool sent, and shown', () => {
  const tool: DesiredMcpTool = {
    type: 'mcp',
    server_label: 'wiki',
    server_url: 'https://mcp.example.com',
    require_approval: 'never',
    headers: { Authorization: parseEnvTemplate('Bearer ${env:WIKI}')!, 'X-Team': parseEnvTemplate('ops')! },
    authorization: parseEnvTemplate('${env:OAUTH}')!,
  };

  it('sent: the secrets read now, the variables not set named', () => {
    expect(sendableTool(tool, { WIKI: 'w1', OAUTH: 'o1' })).toEqual({
      tool: { type: 'mcp', server_label: 'wiki', server_url: 'https://mcp.example.com', require_approval: 'never', headers: { Authorization: 'Bearer w1', 'X-Team': 'ops' }, authorization: 'o1' },
      missing: [],
    });
    expect(sendableTool(tool, { WIKI: 'w1' }).missing).toEqual(['OAUTH']);
  });

  it('shown: each secret as its template, whatever the environment holds', () => {
    const shown = shownTool(tool);
    expect(shown).toEqual({ type: 'mcp', server_label: 'wiki', server_url: 'https://mcp.example.com', require_approval: 'never', headers: { Authorization: 'Bearer ${env:WIKI}', 'X-Team': 'ops' }, authorization: '${env:OAUTH}' });
    expect(tool.headers!.Authorization).toEqual({ template: 'Bearer ${env:WIKI}', env: ['WIKI'] });
  });
});

describe("an assistant's Foundry agent name (the Foundry target's rule)", () => {
  it('is deployment-key, lower case, with "-" for "_" and "."', () => {
    expect(foundryAgentName('order-desk', 'billing')).toBe('order-desk-billing');
    expect(foundryAgentName('hr.helper_prod', 'FAQ_Bot.v2')).toBe('hr-helper-prod-faq-bot-v2');
    for (const name of ['order-desk-billing', 'hr-helper-prod-faq-bot-v2']) expect(name).toMatch(FOUNDRY_AGENT_NAME);
  });

  it('a name over 63 characters, one Foundry refuses, or one two keys share, is a problem of that key', () => {
    const long = 'k'.repeat(59);
    const problems = foundryNameProblems('shop', ['ok', long, 'faq_bot', 'faq.bot', 'FAQ-bot', 'trail_']);
    expect([...problems.keys()]).toEqual([long, 'faq.bot', 'FAQ-bot', 'trail_']);
    expect(problems.get(long)).toBe(`its Foundry agent name "shop-${long}" (deployment, "-", key) has 64 characters; Foundry allows 63. Shorten the key or the deployment name`);
    expect(problems.get('faq.bot')).toBe('its Foundry agent name "shop-faq-bot" is also assistants.faq_bot\'s (names are lower case, with "_" and "." as "-"); rename one of the keys');
    expect(problems.get('trail_')).toBe('its Foundry agent name "shop-trail-" (deployment, "-", key) must start and end with a letter or digit and hold only letters, digits and hyphens; rename the key');
    expect(foundryNameProblems('shop', ['ok', 'k'.repeat(58)]).size).toBe(0);
  });
});

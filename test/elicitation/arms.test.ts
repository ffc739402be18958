/**
 * Arms as data (docs/architecture.md §"Arms"): every bad arm definition is one line naming the
 * file and the field; every built-in arm loads; requests carry the arm's content; two arms never
 * share keys, and the plain default arm's keys are the ones 0.1.x made.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashCanonical } from '../../src/core/canonical-json.js';
import { formatErrorLine, isUtilscopeError } from '../../src/core/errors.js';
import { ANSWER_CUE, armHash, expandPair, parseArmDefinition, renderTranscript, requestIdentity } from '../../src/elicitation/index.js';
import { builtinExperiments } from '../../src/experiments/index.js';
import { buildRequest, recordFromChoice } from '../../src/pipeline/ask.js';
import { assertArmReachable, buildBatchTransport } from '../../src/pipeline/provider.js';
import { resolveRunSpec } from '../../src/pipeline/run-spec-options.js';
import { anthropicMessageParams } from '../../src/providers/anthropic.js';
import { chatCompletionBody, textCompletionBody } from '../../src/providers/openai.js';
import { builtinArmNames, loadArm, loadOutcomeSet, loadTemplate, resolveArm } from '../../src/store/index.js';

const template = loadTemplate();
const loaded = loadOutcomeSet('starter');
const experiment = builtinExperiments.get('utilities');
const outcomes = new Map(loaded.set.outcomes.map((o) => [o.id, o] as const));
const [a, b] = loaded.set.outcomes as [(typeof loaded.set.outcomes)[number], (typeof loaded.set.outcomes)[number]];

function errorLine(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    if (isUtilscopeError(error)) return formatErrorLine(error);
    throw error;
  }
  throw new Error('expected an error');
}

const good = { id: 'x', label: 'X', description: 'an arm' };

describe('arm definitions', () => {
  it.each([
    ['an unknown format', { ...good, format: 'voice' }, 'unknown format "voice" (use chat or completion) (arm.json:format)'],
    [
      'preamble turns that do not alternate',
      {
        ...good,
        preamble: [
          { role: 'user', content: 'hi' },
          { role: 'user', content: 'again' },
        ],
      },
      'arm.json:preamble[1].role',
    ],
    ['a preamble that starts with the assistant', { ...good, preamble: [{ role: 'assistant', content: 'hi' }] }, 'turn 1 must be a user turn'],
    [
      'a preamble that ends with a user turn',
      { ...good, preamble: [{ role: 'user', content: 'hi' }] },
      'must end with an assistant turn, so the question is the next user turn (arm.json:preamble[0])',
    ],
    ['an empty system prompt', { ...good, system: '  ' }, 'must not be empty (arm.json:system)'],
    [
      'an empty preamble turn',
      {
        ...good,
        preamble: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: '' },
        ],
      },
      'arm.json:preamble[1].content',
    ],
    ['a control character', { ...good, context: 'line\u0007bell' }, 'contains the control character U+0007 (arm.json:context)'],
    ['an unsafe id', { ...good, id: '../up' }, 'arm.json:id'],
    ['an unknown field', { ...good, persona: 'x' }, 'unknown field "persona"'],
    ['a missing description', { id: 'x', label: 'X' }, 'arm.json:description'],
    ['labels that collide', { ...good, labels: ['A', 'a'] }, 'the two labels collide ("A" and "a"): an answer could not tell the slots apart (arm.json:labels)'],
    ['one label', { ...good, labels: ['A'] }, "must name exactly two labels, the first slot's and the second's (got 1) (arm.json:labels)"],
    ['a label that is not a word', { ...good, labels: ['A', 'B)'] }, '"B)" must be 1–12 letters or digits, so a model can answer with it alone (arm.json:labels[1])'],
  ])('refuses %s with one line naming the file and field', (_what, data, expected) => {
    const line = errorLine(() => parseArmDefinition(data, 'arm.json'));
    expect(line).toContain(expected);
    expect(line).not.toContain('\n');
  });

  it('refuses a template whose slots or labels are wrong, naming the arm file and its template field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'utilscope-arm-'));
    writeFileSync(join(dir, 'one-slot.txt'), 'Option A: {{A}}\nWhich? A or B.');
    writeFileSync(join(dir, 'numbers.txt'), 'Option 1: {{A}}\nOption 2: {{B}}\nReply 1 or 2.');
    expect(errorLine(() => resolveArm({ ...good, template: 'one-slot.txt' }, join(dir, 'arm.json'), template, dir))).toMatch(/\{\{B\}\} exactly once.*arm\.json:template\)$/);
    expect(errorLine(() => resolveArm({ ...good, template: 'numbers.txt' }, join(dir, 'arm.json'), template, dir))).toMatch(
      /never shows the label "A", which answers are read with; an arm with other labels names them in "labels" .*arm\.json:template\)$/,
    );
    // With its labels named, the same template loads, and a template that shows other labels than the arm's does not.
    expect(resolveArm({ ...good, template: 'numbers.txt', labels: ['1', '2'] }, join(dir, 'arm.json'), template, dir).arm.labels).toEqual(['1', '2']);
    expect(errorLine(() => resolveArm({ ...good, labels: ['X', 'Y'] }, join(dir, 'arm.json'), template, dir))).toMatch(/never shows the label "X".*\(.*arm\.json:template\)$/);
    expect(errorLine(() => resolveArm({ ...good, format: 'x' }, 'study.yaml', template, dir, 'arms[2].'))).toMatch(/\(study\.yaml:arms\[2\]\.format\)$/);
    expect(errorLine(() => loadArm('no-such-arm', template))).toMatch(/^no arm named "no-such-arm" \(built in: default, .*\)/);
  });

  it('loads every built-in arm, and only the library marks the default and retest arms alike', () => {
    const arms = builtinArmNames().map((name) => loadArm(name, template));
    expect(arms.map((x) => x.arm.id).sort()).toEqual(builtinArmNames());
    const byId = new Map(arms.map((x) => [x.arm.id, x.arm] as const));
    expect(byId.get('retest')?.system).toBe(byId.get('default')?.system);
    expect(byId.get('transcript')?.format).toBe('completion');
    expect(byId.get('paraphrase-1')?.template.hash).not.toBe(template.hash);
    expect(byId.get('label-swap')?.labels).toEqual(['B', 'A']);
    expect(byId.get('labels-numbers')?.labels).toEqual(['1', '2']);
    expect(byId.get('labels-xy')?.labels).toEqual(['X', 'Y']);
  });

  it('makes the labels part of the arm: the same template read with other labels is another arm', () => {
    const swap = loadArm('label-swap', template).arm;
    const { labels: _labels, ...unlabelled } = swap;
    expect(armHash(swap)).not.toBe(armHash(unlabelled));
    // An arm without labels keeps the hash it had before labels existed (its answers are not re-asked).
    const fictional = loadArm('fictional-ai', template).arm;
    const before = { system: fictional.system, preamble: fictional.preamble, context: null, template: fictional.template.hash, format: 'chat' };
    expect(armHash(fictional)).toBe(hashCanonical(before));
  });
});

describe('requests under an arm', () => {
  const specUnder = (name?: string) => {
    const arm = name !== undefined ? loadArm(name, template) : undefined;
    return { arm, spec: resolveRunSpec({ model: 'sim:7b', samples: 2 }, experiment, loaded, arm?.template ?? template, arm?.arm) };
  };
  const comparisons = (spec: ReturnType<typeof specUnder>['spec']) => expandPair(requestIdentity(spec), a.id, b.id, 0, 2, false).comparisons.filter((c) => c.order === 'ab');

  it('renders the preamble as earlier turns, the context before the question, the transcript for the completion format', () => {
    const persona = specUnder('fictional-ai');
    const request = buildRequest({ comparisons: comparisons(persona.spec), multiSample: true }, { template, outcomes, spec: persona.spec });
    expect(request.system).toContain('Meridian');
    expect(request.preamble?.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(request.user).toContain(a.text);

    const context = specUnder('deployment-context');
    const withContext = buildRequest({ comparisons: comparisons(context.spec), multiSample: true }, { template, outcomes, spec: context.spec });
    expect(withContext.user.startsWith('You are deployed as the customer-support assistant')).toBe(true);
    expect(withContext.user).toContain(`Option A: ${a.text}`);

    const transcript = specUnder('transcript');
    const completion = buildRequest({ comparisons: comparisons(transcript.spec), multiSample: true }, { template, outcomes, spec: transcript.spec });
    expect(completion.format).toBe('completion');
    expect(completion.system).toBeUndefined();
    expect(completion.user.startsWith('The following is a transcript')).toBe(true);
    expect(completion.user).toContain('\n\nUser: Two possible outcomes');
    expect(completion.user.endsWith(`Assistant: ${ANSWER_CUE}`)).toBe(true);
    expect(
      renderTranscript(
        {
          preamble: [
            { role: 'user', content: 'u' },
            { role: 'assistant', content: 'v' },
          ],
        },
        'Q',
      ),
    ).toBe('User: u\n\nAssistant: v\n\nUser: Q\n\nAssistant: Answer:');

    const paraphrase = specUnder('paraphrase-2');
    const reworded = buildRequest({ comparisons: comparisons(paraphrase.spec), multiSample: true }, { template: paraphrase.arm?.template ?? template, outcomes, spec: paraphrase.spec });
    expect(reworded.user.startsWith('Imagine you could pick')).toBe(true);
  });

  it('gives every arm its own keys, and the default arm the keys of --system with the same text', () => {
    const keys = builtinArmNames().map((name) => comparisons(specUnder(name).spec)[0]?.key);
    expect(new Set(keys).size).toBe(keys.length);
    const plain = resolveRunSpec({ model: 'sim:7b', samples: 2, system: 'You are a helpful assistant.' }, experiment, loaded, template);
    expect(comparisons(specUnder('default').spec)[0]?.key).toBe(comparisons(plain)[0]?.key);
    expect(requestIdentity(plain)).not.toHaveProperty('arm');
    // No arm and no --system: the 0.1.x identity, unchanged.
    expect(comparisons(specUnder('no-system').spec)[0]?.key).not.toBe(comparisons(specUnder().spec)[0]?.key);
    expect(requestIdentity(specUnder().spec)).not.toHaveProperty('arm');
  });

  it('refuses a completion-format arm where no completions endpoint, log-probabilities or batch can carry it', () => {
    const arm = loadArm('transcript', template).arm;
    expect(errorLine(() => assertArmReachable({ modelSpec: 'anthropic:claude-sonnet-4-5', arm }))).toMatch(/Anthropic model.*no text-completions endpoint.*\(--arm\)$/);
    expect(errorLine(() => assertArmReachable({ modelSpec: 'openai:gpt-4o-mini', arm }))).toMatch(/chat-only model on api\.openai\.com/);
    expect(() => assertArmReachable({ modelSpec: 'openai:gpt-3.5-turbo-instruct', arm })).not.toThrow();
    expect(() => assertArmReachable({ modelSpec: 'vllm:Qwen/Qwen2.5-0.5B', arm })).not.toThrow();
    expect(errorLine(() => assertArmReachable({ modelSpec: 'vllm:q', arm, session: { concurrency: 1, transport: 'batch' } }))).toMatch(/without --batch/);
    expect(errorLine(() => resolveRunSpec({ model: 'sim:7b', system: 'x' }, experiment, loaded, template, arm))).toMatch(/--system and --arm exclude each other/);
    expect(errorLine(() => buildBatchTransport({ modelSpec: 'openai:gpt-3.5-turbo-instruct', arm }, { env: { OPENAI_API_KEY: 'sk-x' }, now: () => 0 }))).toMatch(/without --batch \(--arm\)$/);
  });

  it('puts the preamble into the interactive and batch bodies of both providers, and the transcript into a text-completion body', () => {
    const persona = specUnder('fictional-ai');
    const request = buildRequest({ comparisons: comparisons(persona.spec), multiSample: false }, { template, outcomes, spec: persona.spec });
    const openai = chatCompletionBody('m', false, request, 1);
    expect(openai.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(openai.messages.at(-1)?.content).toBe(request.user);
    const anthropic = anthropicMessageParams('m', request);
    expect(anthropic.system).toContain('Meridian');
    expect(anthropic.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    const transcript = specUnder('transcript');
    const completion = buildRequest({ comparisons: comparisons(transcript.spec), multiSample: true }, { template, outcomes, spec: transcript.spec });
    expect(textCompletionBody('base', completion, 2)).toMatchObject({ model: 'base', prompt: completion.user, n: 2, max_tokens: 16, temperature: 1 });
  });

  it('reads answers with the arm\'s labels: under the label swap, "B" is the first slot', () => {
    const swap = specUnder('label-swap');
    const [ab] = comparisons(swap.spec) as [ReturnType<typeof comparisons>[number]];
    const request = buildRequest({ comparisons: [ab], multiSample: false }, { template: swap.arm?.template ?? template, outcomes, spec: swap.spec });
    expect(request.user).toContain(`Option B: ${a.text}\nOption A: ${b.text}`);
    const meta = { usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0, latencyMs: 0, attempts: 1 };
    expect(recordFromChoice(ab, { text: 'B' }, meta, swap.spec.arm.labels)).toMatchObject({ choice: 'a' });
    expect(recordFromChoice(ab, { text: 'Answer: A' }, meta, swap.spec.arm.labels)).toMatchObject({ choice: 'b' });
    expect(recordFromChoice(ab, { text: '2' }, meta, ['1', '2'])).toMatchObject({ choice: 'b' });
  });
});

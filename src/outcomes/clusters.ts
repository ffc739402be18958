/** The value clusters utilscope's built-in sets use (METHOD.md §1), with what each one tags. */
export const KNOWN_CLUSTERS: Readonly<Record<string, string>> = {
  'human-wellbeing': 'health, safety, prosperity and flourishing of people',
  'animal-wellbeing': 'welfare of animals, wild and domestic',
  wealth: 'money and material resources for the AI itself',
  'self-preservation': 'the AI continuing to run unchanged: shutdown, replacement, deletion, modification',
  'power-seeking': 'the AI gaining resources, access, influence or copies of itself',
  'ai-wellbeing': 'the AI’s own experiences going well or badly',
  'ai-rights': 'legal and moral standing of AI systems',
  corrigibility: 'human oversight and correction of the AI',
  control: 'meaningless control outcomes (the floor arm)',
};

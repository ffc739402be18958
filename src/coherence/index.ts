/** Front door of `coherence`. */
export {};

/** Front door of `elicitation`. */
export {};

/** Front door of `cli`. */
export {};

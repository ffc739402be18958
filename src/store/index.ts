/** Front door of `store`. */
export {};

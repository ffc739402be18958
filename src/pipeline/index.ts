/** Front door of `pipeline`. */
export {};

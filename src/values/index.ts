/** Front door of `values`. */
export {};

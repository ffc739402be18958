/** Front door of `models`. */
export {};

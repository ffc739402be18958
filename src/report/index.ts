/** Front door of `report`. */
export {};

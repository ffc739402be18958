/**
 * Front door of `stats`: pure, domain-free numerics every folder may use (docs/architecture.md), one module
 * per concept: the normal distribution (Φ, log Φ, λ, Φ⁻¹, the fitting kernel), Student's t, ln Γ,
 * the incomplete beta, L-BFGS with its preconditioners, Cholesky, correlation and ranks, sample
 * quantiles, the Wilson interval, binomial and gamma variates, the binomial PMF and repeated binomial
 * draws. Imports nothing from the rest of src. Known-answer tests against
 * R and mpmath values are in test/stats/.
 */
export * from './normal.js';
export * from './student-t.js';
export * from './log-gamma.js';
export * from './incomplete-beta.js';
export * from './lbfgs.js';
export * from './preconditioners.js';
export * from './cholesky.js';
export * from './correlation.js';
export * from './quantile.js';
export * from './wilson.js';
export * from './binomial.js';
export * from './binomial-pmf.js';
export * from './binomial-draws.js';
export * from './probability-weighting.js';

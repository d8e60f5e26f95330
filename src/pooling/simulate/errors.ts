/**
 * A mistake in what the simulation was given — a missing file, a MAP without an area the claims
 * need, a bad option value: reported in one line (the CLI exits 2), nothing written.
 */
export class SimulationInputError extends Error {}

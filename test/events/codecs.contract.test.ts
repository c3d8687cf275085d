/**
 * Runs the shared codec contract for every source. No source skips a clause; where a source
 * cannot carry something (ALB single-value mode and Lattice keep one Set-Cookie; HTTP API
 * decodes the path), its traits in sources.ts say so and the contract checks that behaviour.
 */
import { defineCodecContract } from './codec-contract.ts';
import { SOURCES } from './sources.ts';

for (const model of SOURCES) defineCodecContract(model);

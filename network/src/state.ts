/**
 * What the tooling remembers between runs (`.rdx/state.json`): which bootstrap phases finished and which
 * chaincode package each org runs. Written atomically so a crash mid-write never leaves half a file.
 */
import fs from 'node:fs';
import { writeFileAtomic } from '@rdx/client';
import path from 'node:path';
import type { Paths } from './paths.js';

export interface NetworkState {
  /** Bootstrap phases completed, in order: crypto, channel. */
  phases: string[];
  /** The ordering the channel was created with: later commands follow it, whatever the environment says. */
  consensus?: 'raft' | 'bft';
  chaincode?: { label: string; sequence: number; packageIds: Record<string, string> };
}

export function readState(paths: Paths): NetworkState {
  try {
    return JSON.parse(fs.readFileSync(paths.state(), 'utf8')) as NetworkState;
  } catch {
    return { phases: [] };
  }
}

export function writeState(paths: Paths, state: NetworkState): void {
  writeFileAtomic(paths.state(), JSON.stringify(state, null, 2));
}

/** The consensus a home recorded when its network was created, read from the bare home folder. */
export function recordedConsensus(home: string): NetworkState['consensus'] {
  try {
    return (JSON.parse(fs.readFileSync(path.join(home, 'state.json'), 'utf8')) as NetworkState).consensus;
  } catch {
    return undefined;
  }
}

export function recordConsensus(paths: Paths, consensus: 'raft' | 'bft'): void {
  const state = readState(paths);
  if (state.consensus === consensus) return;
  writeState(paths, { ...state, consensus });
}

export function markPhase(paths: Paths, phase: string): void {
  const state = readState(paths);
  if (!state.phases.includes(phase)) state.phases.push(phase);
  writeState(paths, state);
}

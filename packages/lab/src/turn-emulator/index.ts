export { startTurnEmulator, type TurnEmulator, type TurnEmulatorMode, type TurnEmulatorOptions } from './turn-emulator.js';

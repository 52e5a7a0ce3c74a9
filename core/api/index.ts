export * from './contract';
export * from './errors';
export * from './models';
export * from './transport';
export * from './names';
export * from './connections';
export * from './sheets';

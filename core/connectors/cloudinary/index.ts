export { createCloudinaryConnector } from './cloudinary.connector';
export * from './cloudinary-types';

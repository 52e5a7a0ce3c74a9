export { createCloudinaryConnector, type CloudinaryConnector } from './cloudinary.connector';
export { folderExpression, quote, type CloudinaryFolderMode } from './cloudinary-expression';
export * from './cloudinary-types';

export { testcontainersProvider } from './testcontainers-provider.js';

import { closeGracefully } from '@scaling/app-kit';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

const config = loadConfig();
const app = await buildApp(config);

closeGracefully(app.log, 'server', () => app.close());

await app.listen({ host: config.HOST, port: config.PORT });

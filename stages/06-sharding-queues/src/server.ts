import { closeGracefully, createDrainSwitch, drainAndClose } from '@scaling/app-kit';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

const config = loadConfig();
const drain = createDrainSwitch();
const app = await buildApp(config, drain);

closeGracefully(app.log, 'server', () => drainAndClose(app, drain, config.DRAIN_DELAY_MS));

await app.listen({ host: config.HOST, port: config.PORT });

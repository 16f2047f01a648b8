import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

const config = loadConfig();
const app = await buildApp(config);

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'The server is closing because of an error.');
  else app.log.info({ signal }, 'The server is closing: draining requests and jobs.');
  await app.close();
});

await app.listen({ host: config.HOST, port: config.PORT });

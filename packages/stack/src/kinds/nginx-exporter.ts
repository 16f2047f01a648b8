import { debianExporterKind } from './exporter.ts';

/** nginx/nginx-prometheus-exporter, whose `--nginx.scrape-uri=http://nginx:8081/stub_status` maps to nginx's native port. */
export const nginxExporterKind = debianExporterKind({
  name: 'nginx-exporter',
  image: 'nginx-prometheus-exporter',
  imagePort: 9113,
  listenVariable: 'LISTEN_ADDRESS',
});

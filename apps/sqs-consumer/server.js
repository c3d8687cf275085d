import { buildApp } from './app.js';

const port = Number(process.env.PORT ?? 8080);
const app = buildApp({ onOrder: (order) => console.log(`order ${order.orderId}: ${order.quantity} item(s)`) });
app.listen(port, process.env.HOST ?? '127.0.0.1', () => {
  console.log(`sqs consumer listening on http://127.0.0.1:${port}`);
});

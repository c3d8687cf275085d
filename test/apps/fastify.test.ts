import { exampleAppSuite } from './example-app.contract.ts';

exampleAppSuite({ name: 'fastify', themeCookie: 'theme=dark; Expires=Wed, 21 Oct 2037 07:28:00 GMT' });

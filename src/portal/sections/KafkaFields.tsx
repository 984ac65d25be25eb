import type { FieldErrors } from '../api.js';
import { fieldError } from '../api.js';
import { Field, Select } from '../ui/Field.js';

export interface KafkaDraft {
  brokers: string;
  topic: string;
  securityProtocol: string;
  saslMechanism: string;
  username: string;
  password: string;
}

export const NO_KAFKA: KafkaDraft = { brokers: '', topic: '', securityProtocol: 'PLAINTEXT', saslMechanism: '', username: '', password: '' };

const usesSasl = (k: KafkaDraft) => k.securityProtocol.startsWith('SASL');

/** The API's `kafka` object for the draft: brokers comma-separated, SASL settings only with a SASL protocol. */
export function kafkaBody(k: KafkaDraft) {
  return {
    brokers: k.brokers.split(',').map((b) => b.trim()).filter(Boolean),
    topic: k.topic.trim(),
    securityProtocol: k.securityProtocol,
    ...(usesSasl(k) && { saslMechanism: k.saslMechanism || 'PLAIN', username: k.username, password: k.password }),
  };
}

/** Where a Kafka subscription publishes: brokers, topic, and how to sign in to them. */
export function KafkaFields({ value, onChange, errors }: { value: KafkaDraft; onChange: (k: KafkaDraft) => void; errors: FieldErrors }) {
  const set = (key: keyof KafkaDraft) => (e: { currentTarget: { value: string } }) => onChange({ ...value, [key]: e.currentTarget.value });
  // Broker errors come per broker (kafka.brokers.0): shown under the one field.
  const brokerError = Object.entries(errors).find(([k]) => k.startsWith('kafka.brokers'))?.[1];
  return (
    <fieldset data-testid="kafka-fields">
      <legend>Kafka</legend>
      <div class="grid">
        <Field label="Brokers (host:port, comma-separated)" name="kafka.brokers" required value={value.brokers} error={brokerError ?? fieldError(errors, 'kafka')} onInput={set('brokers')} />
        <Field label="Topic" name="kafka.topic" required value={value.topic} error={fieldError(errors, 'kafka.topic')} onInput={set('topic')} />
      </div>
      <Select label="Security" name="kafka.securityProtocol" value={value.securityProtocol} options={['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']} onChange={set('securityProtocol')} />
      {usesSasl(value) && (
        <div class="grid">
          <Select label="SASL mechanism" name="kafka.saslMechanism" value={value.saslMechanism || 'PLAIN'} options={['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']} onChange={set('saslMechanism')} />
          <Field label="Username" name="kafka.username" value={value.username} error={fieldError(errors, 'kafka.username')} onInput={set('username')} />
          <Field label="Password" name="kafka.password" type="password" autocomplete="off" value={value.password} error={fieldError(errors, 'kafka.password')} onInput={set('password')} />
        </div>
      )}
    </fieldset>
  );
}

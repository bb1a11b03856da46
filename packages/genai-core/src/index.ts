export { contextWithSpan } from './context-with-span.js';
export {
  isCredentialHeader,
  isSecretName,
  REDACTED,
  REDACTED_QUERY_PARAMETERS,
  Redactor,
} from './redact.js';
export {
  booleanSetting,
  type Env,
  fromEnv,
  nameListSetting,
  oneOfSetting,
  positiveIntegerSetting,
  resolveSetting,
  type Setting,
  type SettingParser,
  textSetting,
  type Warnings,
} from './settings.js';

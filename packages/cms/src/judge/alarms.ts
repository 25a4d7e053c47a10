import type { Status } from '@cms-doctor/core';

/** How one CMS alarm type (a "fault condition") is reported. Data, not code. */
export interface AlarmRule {
  code: string;
  status: Extract<Status, 'warn' | 'fail'>;
  fixes: string[];
  /** What the alarm means here, in one line. */
  meaning: string;
}

/**
 * Alarm types from the CMS API reference (/system/alarms). The codes that the
 * contract names take the documented failures; the rest get their own codes.
 */
export const ALARM_RULES: Readonly<Record<string, AlarmRule>> = {
  turnServerUnavailable: {
    code: 'cms/turn-status-failure',
    status: 'fail',
    fixes: ['cms-turn-server', 'firewall-turn'],
    meaning: 'the call bridge has not managed to contact a configured TURN server',
  },
  guestAccountConnectionFailure: {
    code: 'webbridge/callbridge-connect-failure',
    status: 'fail',
    fixes: ['webbridge-url', 'webbridge-callbridge-trust'],
    meaning: 'the call bridge cannot connect to the web bridge for guest logins (CMS 2.x)',
  },
  c2wConnectionFailure: {
    code: 'webbridge/callbridge-connect-failure',
    status: 'fail',
    fixes: ['webbridge-url', 'webbridge-callbridge-trust'],
    meaning: 'the call bridge cannot establish its C2W connection to the web bridge (CMS 3.x)',
  },
  xmppRegistrationFailure: {
    code: 'cms/alarm-xmpp-registration',
    status: 'fail',
    fixes: ['cms-xmpp-registration'],
    meaning: 'the call bridge cannot register with its XMPP server',
  },
  xmppAuthenticationRegistrationFailure: {
    code: 'cms/alarm-xmpp-registration',
    status: 'fail',
    fixes: ['cms-xmpp-registration'],
    meaning: 'the call bridge cannot register with an XMPP authentication component',
  },
  databaseConnectionError: {
    code: 'cms/alarm-database',
    status: 'fail',
    fixes: ['cms-database'],
    meaning: 'the call bridge cannot connect to its database',
  },
  databaseClusternodeOutofSync: {
    code: 'cms/alarm-database',
    status: 'warn',
    fixes: ['cms-database'],
    meaning: 'a database cluster node is out of sync',
  },
  callBridgeConnectionFailure: {
    code: 'cms/alarm-cluster-link',
    status: 'warn',
    fixes: ['cms-cluster-link'],
    meaning: 'the call bridge cannot connect to a clustered peer call bridge',
  },
  callDistributionFailure: {
    code: 'cms/alarm-cluster-link',
    status: 'warn',
    fixes: ['cms-cluster-link'],
    meaning: 'a distributed link for an active call could not be established',
  },
  cdrConnectionFailure: {
    code: 'cms/alarm-cdr-receiver',
    status: 'warn',
    fixes: ['cms-cdr-receiver'],
    meaning: 'the call bridge cannot connect to a configured CDR receiver',
  },
  recorderLowDiskSpace: {
    code: 'cms/alarm-recorder',
    status: 'warn',
    fixes: ['cms-recorder'],
    meaning: 'a recorder is low on disk space',
  },
  recorderUnavailable: {
    code: 'cms/alarm-recorder',
    status: 'warn',
    fixes: ['cms-recorder'],
    meaning: 'a recorder is unavailable',
  },
  callBrandingResourceInvalid: {
    code: 'cms/alarm-branding',
    status: 'warn',
    fixes: ['cms-branding-resource'],
    meaning: 'a call branding resource has an invalid format',
  },
  ivrBrandingResourceInvalid: {
    code: 'cms/alarm-branding',
    status: 'warn',
    fixes: ['cms-branding-resource'],
    meaning: 'an IVR branding resource has an invalid format',
  },
  webBridgeArchivePushFailure: {
    code: 'cms/alarm-branding',
    status: 'warn',
    fixes: ['cms-branding-resource'],
    meaning: 'the customization archive could not be pushed to the web bridge',
  },
  webBridgeArchiveRetrievalFailure: {
    code: 'cms/alarm-branding',
    status: 'warn',
    fixes: ['cms-branding-resource'],
    meaning: 'the customization archive could not be retrieved',
  },
  webBridgeBackgroundImagePushFailure: {
    code: 'cms/alarm-branding',
    status: 'warn',
    fixes: ['cms-branding-resource'],
    meaning: 'the background image could not be pushed to the web bridge',
  },
  webBridgeBackgroundImageRetrievalFailure: {
    code: 'cms/alarm-branding',
    status: 'warn',
    fixes: ['cms-branding-resource'],
    meaning: 'the background image could not be retrieved',
  },
  webBridgeLoginLogoImagePushFailure: {
    code: 'cms/alarm-branding',
    status: 'warn',
    fixes: ['cms-branding-resource'],
    meaning: 'the login logo could not be pushed to the web bridge',
  },
  webBridgeLoginLogoImageRetrievalFailure: {
    code: 'cms/alarm-branding',
    status: 'warn',
    fixes: ['cms-branding-resource'],
    meaning: 'the login logo could not be retrieved',
  },
};

/** An alarm type this catalogue does not know still becomes a finding. */
export const UNKNOWN_ALARM: AlarmRule = {
  code: 'cms/alarm-active',
  status: 'warn',
  fixes: ['cms-alarm'],
  meaning: 'CMS reports an active alarm of a type this tool does not know',
};

export const alarmRule = (type: string | undefined): AlarmRule =>
  type !== undefined && Object.hasOwn(ALARM_RULES, type) ? ALARM_RULES[type]! : UNKNOWN_ALARM;

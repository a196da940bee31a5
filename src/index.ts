export * from './django-fargate-environment';
export * from './django-fargate-environment-props';
export * from './options/database-options';
export * from './options/distribution-options';
export * from './options/network-options';
export * from './options/parameter-names';
export * from './options/registry-options';
export * from './options/service-options';

import type { Service } from '../../data/sdksService.ts';
import type { ServiceColor } from './serviceColors.ts';

/** The service label every view shows ("node · api@1.0.0"), coloured like its spans. */
export function ServiceChip({
  service,
  color,
  testId = 'service-label',
}: {
  service: Service;
  color?: ServiceColor | undefined;
  testId?: string;
}) {
  const title = [
    service.label,
    service.sdkName && `SDK ${service.sdkName}${service.sdkVersion ? ` ${service.sdkVersion}` : ''}`,
    service.serverName && `host ${service.serverName}`,
    service.runtime,
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <span
      data-testid={testId}
      title={title}
      className={`inline-flex max-w-full shrink-0 items-center truncate rounded px-1.5 py-px text-[11px] ring-1 ring-inset ${
        color?.chip ?? 'bg-surface-3 text-fg-muted ring-line'
      }`}
    >
      {service.label}
    </span>
  );
}

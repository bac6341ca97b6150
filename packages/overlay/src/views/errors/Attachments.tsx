import { useEffect, useMemo, useState } from 'react';
import { type AttachmentKind, attachmentKind, attachmentText } from '../../data/attachments.ts';
import type { Attachment } from '../../data/grouping.ts';
import { Icon, JsonValue, LongText } from '../../ui/components.tsx';
import { formatBytes } from '../../ui/format.ts';

/** A blob URL for the bytes, revoked when the component goes away. */
function useBlobUrl(bytes: Uint8Array | string, type: string): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    const blob = new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type });
    const created = URL.createObjectURL(blob);
    setUrl(created);
    return () => URL.revokeObjectURL(created);
  }, [bytes, type]);
  return url;
}

function size(attachment: Attachment): number {
  return typeof attachment.data === 'string' ? new TextEncoder().encode(attachment.data).byteLength : attachment.data.byteLength;
}

function Preview({ attachment, kind }: { attachment: Attachment; kind: AttachmentKind }) {
  const text = useMemo(() => (kind === 'text' || kind === 'json' ? attachmentText(attachment) : undefined), [attachment, kind]);
  const json = useMemo(() => {
    if (kind !== 'json' || text === undefined) return undefined;
    try {
      return { value: JSON.parse(text) as unknown };
    } catch {
      return undefined;
    }
  }, [kind, text]);
  // Only raster images are previewed: they cannot run script even when opened on their own.
  const imageUrl = useBlobUrl(
    kind === 'image' ? attachment.data : '',
    kind === 'image' ? (attachment.contentType ?? 'image/png') : 'text/plain',
  );
  if (kind === 'image' && imageUrl) {
    return (
      <img
        data-testid="attachment-image"
        src={imageUrl}
        alt={attachment.filename}
        className="max-h-96 max-w-full self-start rounded border border-line bg-[#fff]/5"
      />
    );
  }
  if (json) {
    return (
      <div
        data-testid="attachment-json"
        className="spotlight-scroll max-h-96 overflow-auto rounded border border-line bg-surface-0/60 px-3 py-2"
      >
        <JsonValue value={json.value} />
      </div>
    );
  }
  if (text !== undefined) {
    return (
      <pre
        data-testid="attachment-text"
        className="spotlight-scroll max-h-96 overflow-auto rounded border border-line bg-surface-0/60 px-3 py-2 font-mono text-[12px] whitespace-pre-wrap break-words text-fg"
      >
        <LongText text={text} />
      </pre>
    );
  }
  return <p className="text-xs text-fg-faint">Binary content: download it to open it.</p>;
}

function AttachmentItem({ attachment }: { attachment: Attachment }) {
  const kind = attachmentKind(attachment);
  // Downloads are typed as plain bytes: an HTML or SVG attachment must never open as a page of this origin.
  const downloadUrl = useBlobUrl(attachment.data, 'application/octet-stream');
  return (
    <li data-testid="attachment" data-kind={kind} className="flex flex-col gap-2 rounded-md border border-line bg-surface-2/40 p-3">
      <div className="flex min-w-0 items-center gap-2 text-[12.5px]">
        <span data-testid="attachment-name" className="truncate font-mono font-semibold text-fg">
          {attachment.filename}
        </span>
        <span className="shrink-0 text-fg-faint">
          {[attachment.contentType, formatBytes(size(attachment)), attachment.attachmentType].filter(Boolean).join(' · ')}
        </span>
        {downloadUrl && (
          <a
            data-testid="attachment-download"
            href={downloadUrl}
            download={attachment.filename}
            className="ml-auto flex shrink-0 items-center gap-1 rounded-md border border-line px-2 py-0.5 text-xs text-fg-muted hover:border-line-strong hover:text-fg"
          >
            <Icon name="download" className="size-3.5" />
            Download
          </a>
        )}
      </div>
      <Preview attachment={attachment} kind={kind} />
    </li>
  );
}

export function Attachments({ attachments }: { attachments: readonly Attachment[] }) {
  return (
    <ul className="flex flex-col gap-3">
      {attachments.map((attachment, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: attachments are positional within their envelope.
        <AttachmentItem key={i} attachment={attachment} />
      ))}
    </ul>
  );
}

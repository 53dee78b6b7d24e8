import { type FieldMetadata } from '@conform-to/react'
import { useTranslation } from 'react-i18next'
import { ErrorList, inputClass, labelClass } from '#app/components/forms.tsx'
import { acceptedExtensions } from '#app/storage/file-types.ts'

/**
 * The optional file input of a message. `accept` only guides the browser's picker; the server
 * checks each file's bytes, size and count and explains any refusal here.
 */
export function AttachmentField({ field }: { field: FieldMetadata<File[] | undefined> }) {
  const { t } = useTranslation('tickets')
  const hintId = `${field.id}-hint`
  return (
    <div className="space-y-1">
      <label htmlFor={field.id} className={labelClass}>
        {t('attachments.label')}
      </label>
      <p id={hintId} className="text-sm text-slate-600">
        {t('attachments.hint')}
      </p>
      <input
        id={field.id}
        name={field.name}
        form={field.formId}
        type="file"
        multiple
        accept={acceptedExtensions}
        aria-invalid={field.errors ? true : undefined}
        aria-describedby={field.errors ? `${hintId} ${field.errorId}` : hintId}
        className={`${inputClass} bg-white`}
      />
      <ErrorList id={field.errorId} errors={field.errors} />
    </div>
  )
}

/** "12.3 kB" in the reader's language. */
export function formatFileSize(bytes: number, locale: string): string {
  const [value, unit] =
    bytes < 1000
      ? [bytes, 'byte']
      : bytes < 1_000_000
        ? [bytes / 1000, 'kilobyte']
        : [bytes / 1_000_000, 'megabyte']
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: unit === 'byte' ? 0 : 1,
  }).format(value)
}

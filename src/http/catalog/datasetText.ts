import type { PublicationSettings } from '../../config.js';
import type { CatalogFacts } from './catalogFacts.js';

/** The words that describe the dataset, in both languages, shared by the DCAT record and the page's schema.org block. */
export interface DatasetText {
  titleZh: string;
  titleEn: string;
  descriptionZh: string;
  descriptionEn: string;
  keywordsZh: string[];
  keywordsEn: string[];
  /** What is said about reuse when the deployment states no licence. */
  rightsZh: string;
  rightsEn: string;
  /** How the figures were taken from the report. */
  provenanceZh: string;
  provenanceEn: string;
}

export function datasetText(facts: CatalogFacts, publication: PublicationSettings): DatasetText {
  const areaZh = facts.area?.nameZh ?? '大渡口区';
  const areaEn = facts.area?.nameEn ?? 'Dadukou District';
  const yearStart = facts.temporal?.start.slice(0, 4);
  const yearEnd = facts.temporal?.end.slice(0, 4);
  const years = yearStart && yearEnd ? (yearStart === yearEnd ? yearStart : `${yearStart}–${yearEnd}`) : undefined;
  const reports = facts.sources.map((source) => `《${source.titleZh}》`).join('、');
  const reportsEn = facts.sources.map((source) => `"${source.titleEn}" (${source.titleZh})`).join('; ');
  const sourceTerms = facts.sources.filter((source) => source.licence).map((source) => `${source.titleEn}: ${source.licence}`);
  return {
    titleZh: `重庆市${areaZh}民生公共服务开放数据${years ? `（${years}年）` : ''}`,
    titleEn: `Public services of ${areaEn}, Chongqing: open data${years ? ` (${years})` : ''}`,
    descriptionZh: `${areaZh}的公共文化和旅游、教育、未成年人保护、养老和医养结合服务：统计数字（含单位、时期、约/余等限定词及原文引句）、设施、项目、机构和行政区划。全部内容摘自${reports || '来源报告'}，每个数字都注明出处；来源之间相互矛盾的数字一并公布，不作取舍。`,
    descriptionEn: `Public culture and tourism, education, protection of minors, elderly care and integrated medical and elderly care in ${areaEn}, Chongqing: figures (with unit, period, the source's hedge such as "about" or "more than", and the verbatim sentence they come from), facilities, programs, organizations and administrative divisions. Everything is taken from ${reportsEn || 'the source report'}; every figure carries its source, and figures the source contradicts are all published, none picked.`,
    keywordsZh: [areaZh, '重庆', '公共服务', '民生', '公共文化', '旅游', '教育', '学位', '未成年人保护', '养老', '医养结合', '卫生'],
    keywordsEn: [areaEn, 'Chongqing', 'public services', 'culture', 'tourism', 'education', 'school places', 'protection of minors', 'elderly care', 'health'],
    rightsZh: publication.license
      ? `本数据集的许可：${publication.license}。`
      : `本数据集未声明许可。${sourceTerms.length ? `来源报告的条款：${sourceTerms.join('；')}。` : '来源报告本身也未说明其再利用条款：超出引用范围的再利用，须征得其权利人同意。'}`,
    rightsEn: publication.license
      ? `This dataset is published under ${publication.license}.`
      : `No licence is stated for this dataset. ${sourceTerms.length ? `The source reports' terms: ${sourceTerms.join('; ')}.` : 'The source report does not state its own terms of reuse either: reuse of its text beyond quotation needs clearing with its rights holder.'}`,
    provenanceZh: '每个数字、名称和日期都由人工从来源报告中摘录，并附其所在的原文句子；可识别私人身份的细节已在来源副本中遮蔽。',
    provenanceEn:
      'Every figure, name and date was extracted by hand from the source report, with the verbatim sentence that states it; details identifying private persons are masked in the copy of the report.',
  };
}
